-- Searches of the directory benchmark: words (with typos), filters and a place.
local paths = {
  "/api/v1/directory/services?q=food+bank&lat=55.86&lon=-4.25",
  "/api/v1/directory/services?q=bereavment&lat=55.95&lon=-3.2&day=TU",
  "/api/v1/directory/services?q=walk&lat=57.15&lon=-2.2&free=true",
  "/api/v1/directory/services?category=debt-advice&lat=56.47&lon=-2.97",
  "/api/v1/directory/services?q=yoga&lat=55.6&lon=-2.8&age=70",
  "/api/v1/directory/services?q=batterys&lat=55.86&lon=-4.25&open_now=true",
  "/api/v1/directory/services?q=mental+wellbeing+group&lat=56.03&lon=-3.8",
  "/api/v1/directory/services?lat=55.78&lon=-3.95&category=food-and-nutrition",
}
dofile("bench/rotate.lua")
rotate(paths)

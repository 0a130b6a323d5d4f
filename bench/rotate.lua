-- Shared by the bench scripts' wrk scripts: send `paths` in turn, with the
-- API token from $TOKEN.
function rotate(paths)
  local token = os.getenv("TOKEN")
  local i = 0
  request = function()
    i = i + 1
    return wrk.format("GET", paths[(i % #paths) + 1], { ["Authorization"] = "Bearer " .. token })
  end
end

#!/usr/bin/env python3
"""Write a fictional HSDS 3 / Open Referral UK directory of N services (a JSON
list of service_full objects) for the directory benchmarks. Deterministic for a
seed. Usage: bench/make_directory.py 100000 > /tmp/directory-100k.json"""
import json, random, sys, uuid

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
AREAS = [("AB", 57.15, -2.20), ("DD", 56.47, -2.97), ("DG", 55.07, -3.60), ("EH", 55.93, -3.20),
         ("FK", 56.03, -3.80), ("G", 55.86, -4.25), ("IV", 57.48, -4.22), ("KA", 55.55, -4.55),
         ("KY", 56.15, -3.20), ("ML", 55.78, -3.95), ("PA", 55.85, -4.60), ("PH", 56.60, -3.70),
         ("TD", 55.60, -2.80)]
KINDS = [("Food Bank", "foodbank", "Emergency food parcels and a warm welcome."),
         ("Community Pantry", "food-pantry", "A members' pantry with fresh fruit and vegetables."),
         ("Health Walk", "outdoor-activity", "A gentle led walk finishing with tea."),
         ("Men's Shed", "social-activity", "Make, mend and talk in a community workshop."),
         ("Lunch Club", "lunch-club", "A hot lunch and company for older people."),
         ("Bereavement Support Group", "bereavement", "A group for people who have lost someone close."),
         ("Money and Debt Advice", "debt-advice", "Free confidential debt and budgeting advice."),
         ("Welfare Rights Surgery", "welfare-rights", "Help to claim benefits and challenge decisions."),
         ("Energy Advice Drop-in", "energy-advice", "Help with fuel bills, meters and batteries."),
         ("Community Garden", "community-garden", "Grow vegetables with neighbours."),
         ("Carers' Cafe", "respite", "Time out and advice for unpaid carers."),
         ("Chair Yoga", "exercise-and-get-fit", "Seated yoga for strength and balance."),
         ("Digital Skills Drop-in", "digital-literacy", "Help with phones, tablets and online forms."),
         ("Recovery Cafe", "addiction", "Peer support for people in recovery."),
         ("Housing Advice Surgery", "housing-advice", "Advice on rent arrears and tenancy rights."),
         ("Mental Wellbeing Group", "mental-wellbeing", "Peer support for low mood and anxiety.")]
PLACES = ["Northfield", "Southbank", "Eastmuir", "Westhill", "Burnside", "Kirkton", "Millbrae", "Townhead",
          "Parkview", "Riverside", "Hillfoot", "Braehead", "Woodside", "Craigend", "Lochview", "Moorpark"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]
L = "ABDEFGHJLNPQRSTUWXYZ"

def u(*parts):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "bench/" + "/".join(map(str, parts))))

out = []
for i in range(n):
    area, lat, lon = AREAS[i % len(AREAS)]
    kind, cat, about = KINDS[(i // len(AREAS)) % len(KINDS)]
    place = PLACES[rng.randrange(len(PLACES))]
    district = f"{area}{1 + rng.randrange(40)}"
    la, lo = lat + rng.uniform(-0.3, 0.3), lon + rng.uniform(-0.5, 0.5)
    day = DAYS[rng.randrange(6)]
    start = 9 + rng.randrange(8)
    org = u("org", i // 5)
    loc = u("loc", i)
    out.append({
        "id": u("svc", i), "name": f"{place} {kind} {i}", "description": f"{about} Based in {place}.",
        "status": "temporarily closed" if rng.random() < 0.02 else "active",
        "assured_date": f"2026-{1 + rng.randrange(11):02d}-{1 + rng.randrange(27):02d}",
        "organization": {"id": org, "name": f"{place} Community Trust {i // 5}", "description": "A community organisation."},
        "phones": [{"id": u("ph", i), "number": f"0141 {rng.randrange(1000):03d} {rng.randrange(10000):04d}"}],
        "schedules": [{"id": u("sc", i), "freq": "WEEKLY", "interval": 1, "byday": day,
                       "opens_at": f"{start:02d}:00", "closes_at": f"{start + 2:02d}:00"}],
        "service_at_locations": [{"id": u("sal", i), "location": {"id": loc, "name": f"{place} Hall",
            "latitude": round(la, 5), "longitude": round(lo, 5),
            "addresses": [{"id": u("ad", i), "address_1": f"{1 + rng.randrange(200)} Main Street", "city": place,
                           "postal_code": f"{district} {rng.randrange(10)}{rng.choice(L)}{rng.choice(L)}"}]}}],
        "attributes": [{"id": u("at", i), "taxonomy_term": {"name": cat.replace("-", " ").capitalize(), "code": cat, "taxonomy": "ALISS categories (what)"}}],
    })
json.dump(out, sys.stdout)

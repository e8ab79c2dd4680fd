"""Where the demo office's constituents live.

The demo constituency is fictional but its ground is real-looking: the
postcode districts, sectors and places of a stretch of north-west Leeds and
Wharfedale. Unit postcodes are made up within those sectors, so they have the
right shape and area but need not exist. Telephone numbers come from Ofcom's
ranges reserved for drama, and e-mail addresses from domains reserved for
examples, so the demo can never reach a real person.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    outcode: str
    sectors: tuple[int, ...]
    localities: tuple[str, ...]
    post_town: str
    weight: int  # roughly how many people live there, relative to the others


DISTRICTS: tuple[District, ...] = (
    District("LS6", (1, 2, 3, 4), ("Headingley", "Hyde Park", "Meanwood"), "Leeds", 14),
    District("LS16", (5, 6, 7, 8, 9), ("Adel", "Cookridge", "Bramhope", "Holt Park"), "Leeds", 16),
    District("LS17", (5, 6, 7, 8), ("Alwoodley", "Moortown", "Shadwell"), "Leeds", 12),
    District("LS18", (4, 5), ("Horsforth",), "Leeds", 10),
    District("LS19", (6, 7), ("Yeadon", "Rawdon"), "Leeds", 10),
    District("LS20", (8, 9), ("Guiseley",), "Leeds", 8),
    District("LS21", (1, 2, 3), ("Otley", "Pool-in-Wharfedale"), "Otley", 12),
    District("LS29", (6, 7, 8, 9), ("Ilkley", "Burley-in-Wharfedale", "Menston"), "Ilkley", 10),
)

# The last two letters of a postcode never use C, I, K, M, O or V.
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Ofcom keeps these for fiction: 07700 900000-900999 and 0113 496 0000-0999.
DRAMA_MOBILE_PREFIX = "+447700900"
DRAMA_LEEDS_PREFIX = "+441134960"

EXAMPLE_MAIL_DOMAINS = ("example.com", "example.org", "example.net")

COMMON_STREET_NAMES = (
    "Church Lane", "High Street", "Station Road", "Main Street", "Park Avenue", "Victoria Road",
    "Green Lane", "Manor Road", "Mill Lane", "School Lane", "The Crescent", "Kirkgate",
    "Westgate", "Back Lane", "Moor Lane", "Chapel Street", "Beech Grove", "Oak Avenue",
    "Grange Road", "Queens Road", "Springfield Mount", "Cliffe Terrace", "Wharfe View",
    "Chevin Avenue", "Otley Road", "Woodland Drive", "St Mary's Close", "Hawthorn Way",
    "Brookside", "The Drive", "Fairfax Road", "Hollin Lane", "Kings Road", "North Street",
)
STREET_WORDS = (
    "Moor", "Ash", "Birch", "Holly", "Larch", "Rowan", "Elm", "Willow", "Heather", "Fern",
    "Brook", "Beck", "Dale", "Ridge", "Crag", "Cragg", "Tarn", "Wharfe", "Aire", "Chevin",
    "Cow Pasture", "Low Mill", "Golden Acre", "Tinshill", "Weetwood", "Lawnswood",
)
STREET_SUFFIXES = (
    "Road", "Road", "Street", "Lane", "Lane", "Avenue", "Close", "Close", "Drive", "Crescent",
    "Grove", "Way", "Gardens", "Terrace", "Court", "Place", "Rise", "View", "Walk", "Mews",
    "Mount", "Croft", "Garth", "Fold",
)
HOUSE_NAMES = (
    "Rose Cottage", "The Old Vicarage", "Moorside", "Fern Lea", "The Laurels", "Beck House",
    "Orchard House", "Hillcrest", "The Barn", "Ivy Cottage", "Dale View", "Wharfe Lodge",
)
BLOCK_NAMES = ("Court", "House", "Lodge", "Mews", "Heights", "Mill")

# Names common in the district today that an older register under-counts.
MORE_FIRST_NAMES_FEMALE = (
    "Aisha", "Amira", "Fatima", "Priya", "Zara", "Maryam", "Olivia", "Amelia", "Isla", "Ava",
    "Freya", "Chloe", "Niamh", "Siobhan", "Agnieszka", "Ewa", "Grace", "Lily", "Harper", "Mia",
)
MORE_FIRST_NAMES_MALE = (
    "Mohammed", "Muhammad", "Imran", "Arjun", "Ravi", "Hamza", "Oliver", "George", "Noah",
    "Harry", "Jack", "Leo", "Kwame", "Tomasz", "Piotr", "Callum", "Ciaran", "Owen", "Rhys", "Theo",
)
MORE_LAST_NAMES = (
    "Khan", "Hussain", "Ahmed", "Patel", "Shah", "Begum", "Singh", "Kaur", "Akhtar", "Iqbal",
    "Kowalski", "Nowak", "Okafor", "Mensah", "Osei", "O'Brien", "Murphy", "Doyle", "McDonald",
    "Nguyen", "Chen", "Wong", "Ali", "Rahman", "Mahmood",
)

# Short names people ask to be called by.
PREFERRED_NAMES = {
    "Elizabeth": "Liz", "William": "Bill", "Robert": "Rob", "Margaret": "Maggie",
    "Christopher": "Chris", "Katherine": "Kate", "Jonathan": "Jon", "Alexander": "Alex",
    "Samuel": "Sam", "Rebecca": "Becky", "Thomas": "Tom", "Jennifer": "Jen", "Michael": "Mick",
    "Patricia": "Pat", "Deborah": "Debbie", "Daniel": "Dan", "Victoria": "Vicky",
    "Matthew": "Matt", "Susan": "Sue", "Anthony": "Tony",
}

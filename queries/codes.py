"""Avohilmo code sets used by the indicator definitions (see docs/indicators.md).

Kept in one place so that a definition change is one edit and the definition text on
each chart card can cite the same lists.
"""

# Contact type (yhteystapa) codes.
IN_PERSON = ("R10", "R20", "R30", "R40", "R41")
REMOTE_REALTIME = ("R52",)
REMOTE_ASYNC = ("R56",)
REMOTE_LEGACY = ("R50", "R51", "R55")
REMOTE = REMOTE_REALTIME + REMOTE_ASYNC + REMOTE_LEGACY
# Not a client contact: excluded from numerator and denominator alike.
NOT_CLIENT_CONTACT = ("R60", "R71", "R72")
# Client contacts, in every chart (queries.sql.CLIENT_CONTACT_TOOK_PLACE). A code
# outside every list is a recording error (measured by kirjaamisen-laatu): it is not
# known to be a client contact, so it counts nowhere else - not as a visit, not as an
# in-person contact.
CLIENT_CONTACT = IN_PERSON + REMOTE

# THL's access-to-care filter: outpatient curative care, nature "sairaanhoito".
ACCESS_SERVICE_FORM = "T11"
ACCESS_NATURE = "SH"

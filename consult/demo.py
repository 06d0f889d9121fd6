"""A realistic demo county: localities, planning groups, members of every stakeholder group.

Idempotent: everything is matched by code or email, so loading twice adds nothing.
The people are invented; the shape follows the Easington locality groups in
the background papers (a GP, health and social-care staff, users and carers).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from sqlalchemy import select

from consult.accounts.models import User
from consult.accounts.services import create_user, find_user_by_email
from consult.commissioning.demo import load_commissioning_demo
from consult.consultations.demo import load_consultations_demo
from consult.core.permissions import Role
from consult.extensions import db
from consult.localities.models import Locality, Membership, StakeholderGroup
from consult.localities.services import add_member, save_locality, save_planning_group, save_stakeholder_group
from consult.reports.demo import load_reports_demo
from consult.surveys.demo import load_survey_demo
from consult.surveys.demo_carers import load_carers_survey
from consult.voting.demo import load_voting_demo

STAKEHOLDER_GROUPS = [
    ("service_user", {"en": "People who use services", "cy": "Pobl sy'n defnyddio gwasanaethau",
                      "ur": "خدمات استعمال کرنے والے لوگ"}, 2.0),
    ("carer", {"en": "Carers", "cy": "Gofalwyr", "ur": "نگہداشت کرنے والے"}, 2.0),
    ("practitioner", {"en": "Practitioners (GPs, nurses, social workers)",
                      "cy": "Ymarferwyr (meddygon teulu, nyrsys, gweithwyr cymdeithasol)",
                      "ur": "پیشہ ور افراد (جی پی، نرسیں، سماجی کارکن)"}, 1.0),
    ("provider", {"en": "Service providers", "cy": "Darparwyr gwasanaethau", "ur": "خدمات فراہم کرنے والے"}, 1.0),
    ("voluntary", {"en": "Voluntary and community sector", "cy": "Y sector gwirfoddol a chymunedol",
                   "ur": "رضاکار اور کمیونٹی شعبہ"}, 1.0),
    ("resident", {"en": "Local residents", "cy": "Trigolion lleol", "ur": "مقامی رہائشی"}, 1.0),
]

LOCALITIES = [
    ("PET", {"en": "Peterlee", "cy": "Peterlee", "ur": "پیٹرلی"}, 20_164),
    ("SEA", {"en": "Seaham", "cy": "Seaham", "ur": "سیہم"}, 21_153),
    ("EAS", {"en": "Easington Colliery", "cy": "Glofa Easington", "ur": "ایزنگٹن کولیری"}, 9_880),
    ("HOR", {"en": "Horden", "cy": "Horden", "ur": "ہورڈن"}, 8_087),
    ("SHO", {"en": "Shotton", "cy": "Shotton", "ur": "شاٹن"}, 4_870),
    ("WIN", {"en": "Wingate", "cy": "Wingate", "ur": "ونگیٹ"}, 4_452),
    ("MUR", {"en": "Murton", "cy": "Murton", "ur": "مرٹن"}, 7_360),
]

PLANNING_GROUPS = [
    ("PET", {"en": "Peterlee older people's group", "cy": "Grŵp pobl hŷn Peterlee",
             "ur": "پیٹرلی بزرگ افراد گروپ"}, Decimal("15000")),
    ("PET", {"en": "Peterlee carers' forum", "cy": "Fforwm gofalwyr Peterlee", "ur": "پیٹرلی نگہداشت فورم"}, None),
    ("SEA", {"en": "Seaham locality planning group", "cy": "Grŵp cynllunio ardal Seaham",
             "ur": "سیہم مقامی منصوبہ بندی گروپ"}, Decimal("12000")),
    ("EAS", {"en": "Easington Colliery planning group", "cy": "Grŵp cynllunio Glofa Easington",
             "ur": "ایزنگٹن کولیری منصوبہ بندی گروپ"}, Decimal("8000")),
    ("HOR", {"en": "Horden community health group", "cy": "Grŵp iechyd cymunedol Horden",
             "ur": "ہورڈن کمیونٹی صحت گروپ"}, None),
    ("SHO", {"en": "Shotton and Haswell planning group", "cy": "Grŵp cynllunio Shotton a Haswell",
             "ur": "شاٹن اور ہاسویل منصوبہ بندی گروپ"}, Decimal("5000")),
    ("WIN", {"en": "Wingate locality planning group", "cy": "Grŵp cynllunio ardal Wingate",
             "ur": "ونگیٹ مقامی منصوبہ بندی گروپ"}, None),
    ("MUR", {"en": "Murton locality planning group", "cy": "Grŵp cynllunio ardal Murton",
             "ur": "مرٹن مقامی منصوبہ بندی گروپ"}, Decimal("6000")),
]

STAFF = [
    ("admin@consult.example", "Alex Admin", Role.ADMIN, None),
    ("commissioner@consult.example", "Chris Commissioner", Role.COMMISSIONER, None),
    ("facilitator@consult.example", "Fatima Facilitator", Role.FACILITATOR, "en"),
    ("facilitator.seaham@consult.example", "Gareth Hughes", Role.FACILITATOR, "cy"),
]

FIRST_NAMES = ["Ann", "Bilal", "Carys", "Dev", "Eileen", "Farah", "George", "Hannah", "Imran", "Jean", "Kieran",
               "Layla", "Margaret", "Nasreen", "Owen", "Pat", "Rhian", "Sajid", "Tom", "Una", "Vera", "Wyn",
               "Yasmin", "Zoe"]
SURNAMES = ["Armstrong", "Begum", "Charlton", "Davies", "Elliott", "Hussain", "Jones", "Khan", "Lamb", "Robson",
            "Shah", "Thompson", "Walker", "Williams"]
MEMBER_LOCALES = ["en", "en", "cy", "ur"]


def _reference_data(default: str) -> tuple[dict[str, StakeholderGroup], dict[str, Locality]]:
    groups = {}
    for position, (code, name, weight) in enumerate(STAKEHOLDER_GROUPS):
        existing = db.session.scalar(select(StakeholderGroup).where(StakeholderGroup.code == code))
        groups[code] = existing or save_stakeholder_group(None, code=code, name=name, weight=weight,
                                                          default_locale=default, position=position, channel="cli")
    places = {}
    for code, name, population in LOCALITIES:
        existing = db.session.scalar(select(Locality).where(Locality.code == code))
        places[code] = existing or save_locality(None, code=code, name=name, population=population,
                                                 default_locale=default, channel="cli")
    return groups, places


def _staff(created: list[tuple[str, str, str]]) -> dict[str, User]:
    """The demo's staff accounts; those created now get a fresh password, added to `created`."""
    staff: dict[str, User] = {}
    for email, name, role, locale in STAFF:
        user = find_user_by_email(email)
        if user is None:
            password = secrets.token_urlsafe(12)
            user = create_user(email=email, name=name, role=role, password=password, preferred_locale=locale,
                               channel="cli")
            created.append((email, role, password))
        staff[email] = user
    return staff


#: Every group has members of every stakeholder group; carers and users are the largest share.
MEMBERS_PER_GROUP = (("service_user", 3), ("carer", 3), ("practitioner", 2), ("provider", 1), ("voluntary", 1),
                     ("resident", 2))


def _planning_groups(default: str, groups: dict[str, StakeholderGroup], places: dict[str, Locality],
                     staff: dict[str, User]) -> None:
    person = 0
    for locality_code, name, budget in PLANNING_GROUPS:
        group = next((g for g in places[locality_code].planning_groups if g.name.get("en") == name["en"]), None)
        facilitator = staff["facilitator.seaham@consult.example" if locality_code == "SEA"
                            else "facilitator@consult.example"]
        if group is None:
            group = save_planning_group(None, locality=places[locality_code], name=name, devolved_budget=budget,
                                        facilitator_ids=[facilitator.id], default_locale=default, channel="cli")
        for sg_code, count in MEMBERS_PER_GROUP:
            for _ in range(count):
                first = FIRST_NAMES[person % len(FIRST_NAMES)]
                last = SURNAMES[(person // len(FIRST_NAMES) + person) % len(SURNAMES)]
                email = f"{first.lower()}.{last.lower()}{person}@members.consult.example"
                person += 1
                user = find_user_by_email(email)
                if user is not None and db.session.scalar(select(Membership).where(
                        Membership.user_id == user.id, Membership.planning_group_id == group.id)):
                    continue
                add_member(group, name=f"{first} {last}", email=email, stakeholder_group=groups[sg_code],
                           preferred_locale=MEMBER_LOCALES[person % len(MEMBER_LOCALES)], channel="cli")


def load_demo() -> list[tuple[str, str, str]]:
    """Load the demo county; returns (email, role, password) for accounts created now."""
    default = "en"
    created: list[tuple[str, str, str]] = []
    groups, places = _reference_data(default)
    _planning_groups(default, groups, places, _staff(created))
    db.session.flush()
    load_consultations_demo()
    load_voting_demo()
    load_survey_demo()
    load_carers_survey()
    load_reports_demo()
    load_commissioning_demo()  # keep last: it drafts from the voting demo's results snapshot
    db.session.flush()
    return created

"""Linkage-input records for the clustering tests: one list per record, in COLUMNS order."""

from linkage.config import load_config
from linkage.link.same_child import heard_forms

READINGS = load_config().model.name_readings  # the characters names read more than one way

COLUMNS = [
    "unique_id",
    "id_number",
    "id_text",
    "name",
    "name_pinyin",
    "name_shape",
    "name_sounds",
    "surname_pinyin",
    "given_sorted",
    "birth_date",
    "is_placeholder",
    "sex",
    "placeholder_order",
    "number_birth_date",
    "birth_after_local",
    "birth_certificate",
]


def rec(
    uid,
    name=None,
    pinyin=None,
    id_number=None,
    birth="2020-01-01",
    placeholder=False,
    id_text=None,
    sex=None,
    order=None,
    certificate=None,
    number_birth=None,
    local=None,
):
    given = "".join(sorted(name[1:])) if name else None
    return [
        uid,
        id_number,
        id_text or id_number,
        name,
        pinyin,
        name,
        heard_forms(name, READINGS),
        pinyin.split()[0] if pinyin else None,
        given,
        birth,
        placeholder,
        sex,
        order,
        number_birth,
        local is not None and birth is not None and birth > local.isoformat(),
        certificate,
    ]


def facts(*args, **kwargs) -> dict:
    """One record's facts as the rules read them."""
    return dict(zip(COLUMNS, rec(*args, **kwargs), strict=True))

"""Real-estate registration centre: titles (owners, shares, right type, certificate) and their changes."""

from chaincity.chain.enums import DepartmentKind
from chaincity.departments.real_estate.chain import CHANGES, REGISTRATIONS, reason_code, title_input
from chaincity.departments.real_estate.rows import ACTIONS, REASONS, RIGHT_TYPES, parse
from chaincity.departments.real_estate.serves import SERVES
from chaincity.oracle.spec import DepartmentSpec

SPEC = DepartmentSpec(
    name="real-estate",
    kinds=(DepartmentKind.REAL_ESTATE_REGISTRATION,),
    columns=("unit_code", "owner_id_numbers", "shares", "right_type", "certificate_no", "registered_at"),
    optional_columns=("action", "reason", "part_unit_codes", "source_unit_codes"),
    parse=parse,
    chains=(REGISTRATIONS, CHANGES),
    serves=SERVES,
    record_columns=("certificate_no",),
)

__all__ = ["ACTIONS", "CHANGES", "REASONS", "REGISTRATIONS", "RIGHT_TYPES", "SPEC", "reason_code", "title_input"]

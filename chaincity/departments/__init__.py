"""One small module per department: the columns of its export and how a row is read."""

from chaincity.departments import bank, court, real_estate
from chaincity.departments.rows import DepartmentSpec, ParsedRow, RowError

DEPARTMENTS: dict[str, DepartmentSpec] = {spec.name: spec for spec in (real_estate.SPEC, bank.SPEC, court.SPEC)}

__all__ = ["DEPARTMENTS", "DepartmentSpec", "ParsedRow", "RowError"]

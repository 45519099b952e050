"""One small module per department: the columns of its export, how a row becomes a record,
how records go on chain and what the department follows (an :class:`~chaincity.oracle.spec.DepartmentSpec`
each). The list of departments is the CLI's."""

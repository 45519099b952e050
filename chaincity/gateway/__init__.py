"""The data gateway: a department answers another department's signed requests from its own
database, under a data-access grant on chain, encrypted to the requester, with a read receipt
on chain for every answer (``app`` serves, ``client`` asks)."""

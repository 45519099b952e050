"""`python -m chaincity`: the same CLI as the `chaincity` script."""

from chaincity.cli import main

main()

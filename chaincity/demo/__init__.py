"""The city demo (`make demo`, `python -m chaincity.demo`): a devnet of its own, the deployment, every
department onboarded by the administrators' quorum, Loudi-shaped data through each
department's oracle, then the city's stories, a summary and an HTML report.

- :mod:`chaincity.demo.departments`: the city's departments, keys and oracles
- :mod:`chaincity.demo.commands`: the `chaincity` commands they run
- :mod:`chaincity.demo.city`: the devnet, the department databases, the timed steps
- :mod:`chaincity.demo.runner`: the steps, in order, and the cleanup (Ctrl-C included)
- :mod:`chaincity.demo.stories`: one module per story; ``STORIES`` lists them
- :mod:`chaincity.demo.report`: the summary table and ``reports/demo.html``
"""

"""Run a hypothesis RuleBasedStateMachine as fixed-length programs of rule calls.

Brownie 1.22 pins hypothesis 6.27, whose own stateful runner ends most generated runs after
a handful of steps (measured: 0 to 7 steps with `stateful_step_count=40`), far too short to
reach the interesting states of a registry. This driver draws a list of exactly `steps`
rule calls, runs it on a fresh machine with the invariants checked after every call, and
lets hypothesis shrink a failing list as usual. Machines keep the standard `@rule` /
`@invariant` definitions, so they also run under `run_state_machine_as_test`.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine


def run_machine(machine_cls: type[RuleBasedStateMachine], *, examples: int, steps: int) -> None:
    rules = list(machine_cls.rules())
    step = st.one_of([st.tuples(st.just(r), st.fixed_dictionaries(r.arguments)) for r in rules])
    run_settings = settings(max_examples=examples, deadline=None)

    @run_settings
    @given(program=st.lists(step, min_size=steps, max_size=steps))
    def run(program):
        machine = machine_cls()
        try:
            machine.check_invariants(run_settings)
            for rule, arguments in program:
                rule.function(machine, **arguments)
                machine.check_invariants(run_settings)
        finally:
            machine.teardown()

    run()

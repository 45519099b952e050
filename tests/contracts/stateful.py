"""Run a hypothesis RuleBasedStateMachine as fixed-length random programs of rule calls.

Brownie 1.22 pins hypothesis 6.27, whose own stateful runner ends most generated runs after
a handful of steps (measured: 0 to 7 steps with `stateful_step_count=40`), far too short to
reach the interesting states of a registry. And with the few examples a chain test can afford,
hypothesis draws mostly its simplest values, so programs drawn value by value barely vary
(measured: about 83 % zeros over 5 examples; one run issued 2 vouchers in 125 steps).

So hypothesis draws one seed per example, and the program — which rule at each step and its
arguments, uniformly within each argument's strategy — comes from `random.Random(seed)`. The
machine runs on a fresh chain state with the invariants checked after every call; a failure
reports its seed and the program, so it replays exactly. Machines keep the standard `@rule` /
`@invariant` definitions, so they also run under `run_state_machine_as_test`.
"""

from __future__ import annotations

import random

from hypothesis import Phase, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine


def _sample(strategy, rng: random.Random):
    """A uniform draw from the strategies our machines use: integers, sampled_from, booleans, just."""
    inner = getattr(strategy, "wrapped_strategy", strategy)
    if hasattr(inner, "start") and hasattr(inner, "end"):
        return rng.randint(inner.start, inner.end)
    if hasattr(inner, "elements"):
        return rng.choice(list(inner.elements))
    raise TypeError(f"stateful.py draws integers, sampled_from, booleans and just; not {strategy!r}")


def random_program(machine_cls: type[RuleBasedStateMachine], seed: int, steps: int) -> list:
    rules = sorted(machine_cls.rules(), key=lambda r: r.function.__name__)
    rng = random.Random(seed)
    program = []
    for _ in range(steps):
        rule = rng.choice(rules)
        program.append((rule, {name: _sample(s, rng) for name, s in sorted(rule.arguments.items())}))
    return program


def _drawn_program(machine_cls: type[RuleBasedStateMachine], steps: int):
    """Programs drawn value by value by hypothesis (shrinkable, but biased to simple values)."""
    rules = sorted(machine_cls.rules(), key=lambda r: r.function.__name__)
    step = st.one_of([st.tuples(st.just(r), st.fixed_dictionaries(r.arguments)) for r in rules])
    return st.lists(step, min_size=steps, max_size=steps)


def run_machine(machine_cls: type[RuleBasedStateMachine], *, examples: int, steps: int, draw: str = "seeded",
                derandomize: bool = False) -> None:
    """Run ``examples`` programs of ``steps`` rule calls.

    ``draw="seeded"`` (the default) makes uniform random programs from a seed; ``"hypothesis"``
    lets hypothesis draw each value, for machines that themselves spread its simple draws (and
    want shrinking). ``derandomize`` draws the same programs every run: for a test that also
    asserts which rules its programs reached, which a fresh draw can miss.
    """
    if draw == "seeded":
        # No shrinking: a smaller seed is just another program, and each costs seconds of chain time.
        phases = [Phase.explicit, Phase.reuse, Phase.generate]
        programs = st.integers(0, 2**32 - 1).map(lambda seed: (seed, random_program(machine_cls, seed, steps)))
    elif draw == "hypothesis":
        phases = list(Phase)
        programs = _drawn_program(machine_cls, steps).map(lambda program: (None, program))
    else:
        raise ValueError(f"draw must be 'seeded' or 'hypothesis', not {draw!r}")
    run_settings = settings(max_examples=examples, deadline=None, phases=phases, derandomize=derandomize)

    @run_settings
    @given(drawn=programs)
    def run(drawn):
        seed, program = drawn
        note(f"seed {seed}: " + "; ".join(f"{r.function.__name__}({a})" for r, a in program))
        machine = machine_cls()
        try:
            machine.check_invariants(run_settings)
            for rule, arguments in program:
                rule.function(machine, **arguments)
                machine.check_invariants(run_settings)
        finally:
            machine.teardown()

    run()

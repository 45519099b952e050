"""The city's stories, in the order they are told (issue 15). The list is data: a story is a
module with a ``run(city) -> StoryResult`` function, and adding one is adding a module and a
line here. Stories not built yet are listed with ``run=None``: the runner says so and skips them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chaincity.demo.city import DemoCity
from chaincity.demo.evidence import StoryResult
from chaincity.demo.stories import bad_input, companies, court, gateway, import_register, mortgage, sale, voucher


@dataclass(frozen=True)
class Story:
    number: int
    title: str
    run: Callable[[DemoCity, "Story"], StoryResult] | None


STORIES: tuple[Story, ...] = (
    Story(1, "The property register imported in bulk; certificates issued and verified", import_register.run),
    Story(2, "A sale: the registration centre transfers a title; the old certificate is superseded", sale.run),
    Story(3, "The on-the-spot mortgage: a citizen at a bank", mortgage.run),
    Story(4, "A court seizes a mortgaged flat; a queued seizure; a judicial sale clears the title", court.run),
    Story(5, "Companies, tax grades and court listings; the bidding check and credit repair", companies.run),
    Story(6, "A voucher travels from a bank to the registration centre and is redeemed; a forgery fails", voucher.run),
    Story(7, "A court reads a title's owners through the data gateway: refused without a grant, answered with one",
          gateway.run),
    Story(8, "Bad input: each bad row with its reason; loaded = on chain + rejected", bad_input.run),
)

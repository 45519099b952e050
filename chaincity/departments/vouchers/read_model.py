"""The voucher desk's read model: the city's vouchers as the registry's events tell them."""

from __future__ import annotations

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from chaincity.db import Base, ChainEvent

EVENTS = ("VoucherIssued", "HandoverNominated", "HandoverAccepted", "HandoverRejected", "NominationCancelled",
          "VoucherRedeemed", "VoucherSurrendered", "VoucherRevoked")


class HeldVoucher(Base):
    """The city's vouchers as the chain says (few: one per paper notice replaced), for `voucher list`."""

    __tablename__ = "vouchers"

    voucher_id: Mapped[str] = mapped_column(String(66), primary_key=True)
    type_id: Mapped[str] = mapped_column(String(66))
    issuer: Mapped[str] = mapped_column(String(66), index=True)
    holder: Mapped[str] = mapped_column(String(66), index=True)
    nominee: Mapped[str | None] = mapped_column(String(66), nullable=True, index=True)
    state: Mapped[str] = mapped_column(String(16))  # active | redeemed | surrendered | revoked
    expires_at: Mapped[int] = mapped_column(Integer)
    history: Mapped[list] = mapped_column(JSON, default=list)


def on_event(session: Session, event: ChainEvent) -> None:
    """Keep `vouchers` from the registry's events."""
    args, name = event.args, event.event
    step = {"event": name, "block": event.block_number, "tx": event.tx_hash}
    if name == "VoucherIssued":
        session.merge(HeldVoucher(voucher_id=args["voucherId"], type_id=args["typeId"], issuer=args["issuer"],
                                  holder=args["holder"], nominee=None, state="active", expires_at=args["expiresAt"],
                                  history=[step]))
        return
    held = session.get(HeldVoucher, args["voucherId"])
    if held is None:
        return
    held.history = [*held.history, step]
    held.nominee = args["nominee"] if name == "HandoverNominated" else None
    if name == "HandoverAccepted":
        held.holder = args["holder"]
    elif name in ("VoucherRedeemed", "VoucherSurrendered", "VoucherRevoked"):
        held.state = name.removeprefix("Voucher").lower()
        if name == "VoucherSurrendered":  # back to its issuer, its last holder
            held.holder = args["issuer"]


EVENTS = ("VoucherIssued", "HandoverNominated", "HandoverAccepted", "HandoverRejected", "NominationCancelled",
          "VoucherRedeemed", "VoucherSurrendered", "VoucherRevoked")

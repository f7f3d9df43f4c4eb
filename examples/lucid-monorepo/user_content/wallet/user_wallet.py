"""The user's wallet: balance and payout history, validated with pydantic."""

from datetime import UTC, datetime
from decimal import Decimal

from pydantic import BaseModel, Field


class Payout(BaseModel):
    session_id: str
    amount: Decimal = Field(gt=0)
    paid_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class UserWallet(BaseModel):
    owner: str
    address: str = Field(pattern=r"^[A-Za-z0-9]{26,64}$")
    payouts: list[Payout] = Field(default_factory=list)

    @property
    def balance(self) -> Decimal:
        return sum((p.amount for p in self.payouts), Decimal(0))

    def record(self, session_id: str, amount: Decimal) -> Payout:
        payout = Payout(session_id=session_id, amount=amount)
        self.payouts.append(payout)
        return payout

    def summary(self) -> dict[str, str]:
        return {"owner": self.owner, "address": self.address, "balance": str(self.balance)}

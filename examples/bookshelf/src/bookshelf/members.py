"""Registered borrowers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bookshelf.errors import UnknownMember


@dataclass(frozen=True)
class Member:
    member_id: str
    name: str
    email: str
    concession: bool = False
    """Holders of a concession card (students, seniors) pay half the daily fee."""
    reminders: bool = True
    """False when the member opted out of due-soon reminders; overdue notices still go out."""


class MemberRegistry:
    def __init__(self) -> None:
        self._members: dict[str, Member] = {}

    def register(self, member: Member) -> Member:
        if member.member_id in self._members:
            raise ValueError(f"member id {member.member_id!r} is already taken")
        self._members[member.member_id] = member
        return member

    def get(self, member_id: str) -> Member:
        try:
            return self._members[member_id]
        except KeyError:
            raise UnknownMember(f"no member with id {member_id!r}") from None

    def __iter__(self) -> Iterator[Member]:
        return iter(self._members.values())

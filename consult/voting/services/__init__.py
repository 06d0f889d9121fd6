"""The priority vote's rules (DESIGN section 6), one module per job:

- priorities: the vote's settings (fixed from the opening) and priorities (fixed once anyone has voted);
- ballots: what every ballot must pass (the window, a group and area taking part, the method's rules);
- voters: who is voting, channel by channel, under which key; casting: cast_ballot and the one store;
- codes: single-use voting codes; paper: ballots keyed in by staff; importing: a ballots file.

The tally itself is in consult.voting.results (SQL aggregation) and consult.voting.tally (pure rules).
Importing this package registers what the consultation's own rules ask of its vote.
"""

from __future__ import annotations

from consult.consultations import parts
from consult.voting.results import latest_snapshot
from consult.voting.services.casting import link_has_voted
from consult.voting.services.priorities import save_priority, save_vote_settings

# The consultation's screens, lifecycle and file import ask these of its vote (consultations cannot import
# voting: see consult/consultations/parts.py).
parts.register_vote(parts.VoteHooks(
    save_settings=save_vote_settings, add_priority=save_priority,
    has_results=lambda consultation: latest_snapshot(consultation) is not None,
    link_has_voted=link_has_voted))

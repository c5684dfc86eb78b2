"""看板 dashboard area: the term at a glance, outcomes, policy, term over term, reports, closing a term."""

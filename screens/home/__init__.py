"""我的 home area: what the signed-in teacher owes this week and this term, each line a jump."""

"""成果与评比 area: outcomes with their full texts, the booklet (成果集), 评比 competitions."""

"""名册 rosters area: teachers, groups and their tree, members, import and export."""

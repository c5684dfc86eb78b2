"""课题与学时: research projects with their stages, and study hours (issue 18)."""

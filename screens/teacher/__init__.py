"""The teacher's page, with one section per area (sections/)."""

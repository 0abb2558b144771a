"""Running the portal: backups of its database and their restoration."""

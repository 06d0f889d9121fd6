"""Users, roles, signing in and out."""

"""The back-office: accounts and roles, sign-in, and what each role may do (/admin)."""

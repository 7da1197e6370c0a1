"""People who sign in (organisers and judges): accounts, passwords, two-factor sign-in and judges' invitations."""

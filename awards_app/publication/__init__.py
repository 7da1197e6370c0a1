"""Publishing the shortlist: the moment it becomes public, how each finalist is presented, and their images."""

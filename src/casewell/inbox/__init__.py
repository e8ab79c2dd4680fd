"""The inbox: mail comes in through any door, is kept before anything else happens, and is
then parsed, placed on a case or quarantined with a reason. Nothing is lost."""

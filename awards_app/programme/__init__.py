"""The programme: editions, their phases, categories, questions and criteria, and Scotland's 32 local authorities."""

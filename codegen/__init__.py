"""Turns the schema tree (``schemas/``) into the generated package (``generated/``).

Three steps that never blur: ``tree`` reads the files, ``spec`` builds the intermediate
model (after ``lint`` found nothing wrong), ``render`` writes files.
"""

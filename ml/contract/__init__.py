"""The data contract: codes, table schemas, reading and validating a data directory, ingest.

Everything that says what a valid Talenta data directory is lives here, and only here: the code
lists (`codes`), the pandera column schemas (`schemas`), reading tables (`tables`), the three
validation layers (`validation`), mapping real exports onto the contract (`ingest`, with its
safe expression language in `expressions`) and the protected attributes (`protected`).
"""

"""saidwhen: who said what, and when.

Data flow, one module per stage:
ingest -> nlp -> entities -> dates -> claims -> table -> audit.
"""

__version__ = "0.1.0"

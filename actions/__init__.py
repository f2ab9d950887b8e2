"""Custom actions of the Plus Kod assistant, served by ``rasa run actions``.

One module per concern: :mod:`actions.faq` (FAQ suggestions and button answers).
"""

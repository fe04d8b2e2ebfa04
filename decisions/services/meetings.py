"""Meeting services: agenda, paragraphs, motions, votes, justering, documents."""

"""Meeting models: bodies, members, meetings, agenda, paragraphs, signatures."""

"""Archive export: closed cases as an E-ARK SIP (CSIP 2.x) zip, built by a Celery job.

It lives in the top layer (reporting) because a case's archive record includes the
decisions of decisions.workflow and the paragraphs of decisions.meetings.

- ``metadata``: every document's and case's archive metadata, read through one function each;
- ``pdfa``: PDF/A renditions (LibreOffice for office files, Ghostscript for PDFs);
- ``package``: the SIP layout, METS.xml with SHA-256 checksums, the zip;
- ``inspect``: reading a package back and verifying every checksum;
- ``models``/``services``/``tasks``/``views``: the job, its page and the download.
"""

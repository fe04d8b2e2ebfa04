"""Create the self-signed demo seal (certificate + key) that `make run` seals documents with."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core.seal import create_self_signed_seal


class Command(BaseCommand):
    help = (
        "Create a self-signed demo seal certificate and key in SEAL_DEMO_DIR (default .seal/) "
        "unless they exist, and print the SEAL_* variables that use them. Development only: "
        "production uses the region's own seal certificate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Folder for the files (default: SEAL_DEMO_DIR).")
        parser.add_argument("--force", action="store_true", help="Replace existing files.")

    def handle(self, *args, dir=None, force=False, **options):
        directory = Path(dir or settings.SEAL_DEMO_DIR)
        cert, key = directory / "demo-seal.pem", directory / "demo-seal.key"
        if force or not (cert.exists() and key.exists()):
            cert, key = create_self_signed_seal(directory, name=settings.SEAL_NAME)
            self.stderr.write(f"Created the demo seal in {directory}.")
        if not settings.DEBUG:
            self.stderr.write(
                self.style.WARNING("The demo seal is for development: use the region's own.")
            )
        self.stdout.write(f"SEAL_CERTIFICATE={cert}\nSEAL_KEY={key}")

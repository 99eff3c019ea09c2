"""Command families: importing this package registers every command.

Each module here is one family (directory, help, admin, requests, bookings…);
they are discovered, so a new family is one new module and nothing else.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

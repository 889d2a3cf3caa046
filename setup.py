"""Build hook: compile the gettext catalogs into every build.

Everything else about the package is in pyproject.toml. The compiled ``.mo``
files are not in git; a wheel gets them in its ``translations`` package, and
an editable install (``pip install -e .``) gets them beside the ``.po`` files
in the source tree.
"""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithCatalogs(build_py):
    def run(self):
        super().run()
        sys.path.insert(0, str(HERE))
        try:
            from translations import compile_catalogs
        finally:
            sys.path.remove(str(HERE))
        source = HERE / "translations"
        target = source if self.editable_mode else Path(self.build_lib) / "translations"
        compiled = compile_catalogs(source, target)
        print(f"compiled catalogs into {target}: {', '.join(sorted(compiled))}")


setup(cmdclass={"build_py": BuildPyWithCatalogs})

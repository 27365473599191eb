"""OpenCC 1.4.2 from PyPI, the reference zhnorm is measured against: installed on first use."""
import pathlib, subprocess, sys


def opencc_cli():
    """Paths of OpenCC's native command-line tool and of its config directory."""
    try:
        import opencc
        assert opencc.__version__ == "1.4.2"
    except (ImportError, AssertionError):
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "opencc==1.4.2"], check=True)
    import opencc
    clib = pathlib.Path(opencc.__file__).parent / "clib"
    return clib / "bin/opencc", clib / "share/opencc"

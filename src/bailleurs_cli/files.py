"""Writing a file the user keeps: all of it or nothing, and a French line when it fails.

Every file the tool writes (letters, conventions, exports, the agenda, the config,
exported templates) goes through :func:`write_atomic`: a temporary file in the same
folder, renamed over the target once complete. A full disk, a read-only folder or a
path under a regular file is turned here, in one place, into one French line naming
the file (issue 13: ``letter`` showed a traceback on a full disk).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from bailleurs_cli.errors import Conflict, InvalidInput, Namer


def shipped(*parts: str) -> Path:
    """A file or folder shipped with the package (in the wheel), else the repository's
    own (run from source): ``shipped("templates")``, ``shipped("data", "bailleurs.yaml")``."""
    from importlib import resources

    packaged = resources.files("bailleurs_cli").joinpath(*parts)
    if packaged.is_file() or packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2].joinpath(*parts)


#: Errors a user fixes by making room rather than by choosing another place.
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}

#: The system's reasons, said in French (the C library says them in English).
_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier",
    errno.EACCES: "accès refusé",
    errno.EPERM: "opération non permise",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota de disque dépassé",
    errno.EFBIG: "fichier trop gros",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EEXIST: "existe déjà",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EBUSY: "ressource occupée",
    errno.ECONNREFUSED: "connexion refusée",
    errno.ETIMEDOUT: "délai dépassé",
    errno.EHOSTUNREACH: "hôte inaccessible",
    errno.ENETUNREACH: "réseau inaccessible",
}


def reason(exc: OSError) -> str:
    """Why an operation on a file (or a socket) failed, in French."""
    import socket

    if isinstance(exc, socket.gaierror):
        return "nom d'hôte inconnu"
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return exc.strerror or type(exc).__name__


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _other_folder(name: Namer) -> str:
    return f"choisissez un autre dossier avec {name('out_dir')}"


def write_atomic(
    path: Path,
    data: bytes,
    *,
    mode: int | None = None,
    parents: bool = False,
    fix: str | Callable[[Namer], str] = _other_folder,
) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    ``path`` is either the old file, untouched, or the complete new one (see
    :func:`atomic_stream`, which it uses).

    Args:
        path: the file to write.
        data: its whole content.
        mode: its permissions; default ``0o666`` less the umask, as any editor makes.
        parents: create the missing folders first (the config's).
        fix: what the user can do, ending the message when the write fails (a
            function of a :data:`~bailleurs_cli.errors.Namer` when it names an option).

    Raises:
        InvalidInput: the file cannot be written (named, with the system's reason).
    """
    with atomic_stream(path, mode=mode, parents=parents, fix=fix) as stream:
        stream.write(data)


@contextmanager
def atomic_stream(
    path: Path,
    *,
    mode: int | None = None,
    parents: bool = False,
    fix: str | Callable[[Namer], str] = _other_folder,
) -> Iterator[BinaryIO]:
    """A binary stream to a temporary file beside ``path``, renamed over ``path`` when
    the block ends without error: large outputs are written as they are made.

    The temporary file is ``.<name>.XXXXXXXX.tmp`` (``letters`` removes those an
    interrupted run left). It is removed whatever goes wrong (a full disk, an error
    in the block, Ctrl-C), so ``path`` is either the old file or the complete new one.

    Raises:
        InvalidInput: the file cannot be written (named, with the system's reason).
    """
    temporary: Path | None = None
    try:
        if parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        temporary = Path(name)
        with os.fdopen(handle, "wb") as stream:
            yield stream
        temporary.chmod(mode if mode is not None else 0o666 & ~_umask())  # mkstemp makes 0600
        temporary.replace(path)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        room = "libérez de la place ou " if exc.errno in _FULL else ""
        why, how = reason(exc), fix  # ``exc`` is gone once the block ends
        raise InvalidInput(
            lambda name: (
                f"impossible d'écrire {path} ({why}) ; {room}{how(name) if callable(how) else how}."
            )
        ) from None
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise


def refuse_overwrite(path: Path, force: bool) -> None:
    """Nothing is overwritten without ``force`` (the CLI's --force).

    Raises:
        Conflict: ``path`` exists and ``force`` is not given.
    """
    if path.exists() and not force:
        raise Conflict(
            lambda name: f"{path} existe déjà ; ajoutez {name('force')} pour le remplacer."
        )

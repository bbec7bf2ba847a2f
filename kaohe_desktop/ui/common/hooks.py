"""Base widgets whose subclasses must fill in some methods.

`abc.abstractmethod` cannot be used on Qt classes (Shiboken's metaclass does not mix
with ABCMeta), so a base lists its hooks and checks each subclass when it is defined.
"""

from __future__ import annotations


def check_hooks(cls: type, base: type, hooks: tuple[str, ...]) -> None:
    """TypeError when `cls` leaves one of `base`'s hooks as `base` has it."""
    missing = [name for name in hooks if getattr(cls, name) is getattr(base, name)]
    if missing:
        raise TypeError(f"{cls.__name__} must define {', '.join(missing)} ({base.__name__} hooks)")

__version__ = "0.1.0"

def __getattr__(name:str):
    "`flowervae.pretrained` and the other modules on first use, without an import of each: nothing is loaded at import time."
    import importlib
    if name.startswith('__'): raise AttributeError(f"module {__name__!r} has no attribute {name!r}")   # not a module: __all__
    try: return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as e:
        if e.name != f"{__name__}.{name}": raise                          # a module of ours that lacks a dependency: as it is
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None

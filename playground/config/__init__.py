"""The experiment config: one frozen, validated object that describes a whole training run.

``Config(data, network, training, view)`` is made of frozen dataclasses holding only tuples, so a
config hashes and compares by value. Every field is checked once, at construction, against its
entry in ``FIELDS`` (its type with its bounds or choices: fields.py); a bad value raises
``ConfigError`` (a ``ValueError``) naming the field, what is allowed and what was received, so no
invalid config can exist. The UI reads its ranges from ``BOUNDS`` (``Config.bound("batch_size")``
adds the dynamic cap ``n_train``).

Canonical forms, so equal runs give equal configs: ints and floats are stored as ``int`` and
``float`` (``-0.0`` as ``0.0``), lists as tuples, ``features`` in catalogue order (it is a set),
and ``n_classes`` as the chosen K for datasets with a variable K (None: the catalogue's K) and
None for all others, whatever was passed (``class_count`` is the count in effect). Otherwise
``None`` means "the default for the context": ``reg_rate`` None is 0.01 once a regularizer is chosen,
``weight_decay`` None is Keras's (0.004 for AdamW, else 0), ``clipnorm`` None is no clipping,
``weights_seed`` None is the data's seed (a weights_seed equal to the data's seed is stored as None).

Round trips are exact: ``to_dict``/``from_dict``, ``to_json``/``from_json`` and
``to_query``/``from_query`` (the URL codec: query.py), e.g.::

    ?data=spiral&noise=0.1&layers=8relu-d0.2,8relu-bn&opt=sgd&lr=0.01&momentum=0.9

``from_query`` raises ``ConfigError`` for anything wrong (unknown keys too); ``from_query_lenient``
(lenient.py) never raises and returns the best valid config plus one message per change it made.

    constraints.py  the kinds of constraint (Integer, Real, Choice, Flag, ...) and ConfigError
    fields.py       FIELDS, the table of every field's constraint; name lists from the engine
    sections.py     DataConfig, LayerConfig, NetworkConfig, TrainingConfig, ViewConfig
    run.py          Config, the rules between sections, dict and JSON
    query.py        the URL codec
    lenient.py      the lenient reading: clamp, note, construct once
"""

from playground.datasets import DATASETS, FEATURES

from .constraints import ConfigError, Constraint, Range, show_value
from .fields import (
    BOUNDS,
    CUSTOM,
    DEFAULT_REG_RATE,
    DEFAULT_WEIGHT_DECAY,
    FIELDS,
    HIDDEN_ACTIVATIONS,
    INITIALIZERS,
    OPTIMIZER_PARAMS,
    OPTIMIZERS,
    PACES,
    REGULARIZATIONS,
    RULES,
    SCHEDULE_PARAMS,
    SCHEDULES,
)
from .query import FALSE_WORDS, QUERY_KEYS, TRUE_WORDS, format_layers, parse_layers, url_value
from .run import Config
from .sections import FIELD_SECTION, SECTIONS, DataConfig, LayerConfig, NetworkConfig, TrainingConfig, ViewConfig

__all__ = [
    "BOUNDS", "CUSTOM", "DATASETS", "DEFAULT_REG_RATE", "DEFAULT_WEIGHT_DECAY", "FALSE_WORDS", "FEATURES",
    "FIELDS", "FIELD_SECTION", "HIDDEN_ACTIVATIONS", "INITIALIZERS", "OPTIMIZERS", "OPTIMIZER_PARAMS", "PACES",
    "QUERY_KEYS", "REGULARIZATIONS", "RULES", "SCHEDULES", "SCHEDULE_PARAMS", "SECTIONS", "TRUE_WORDS", "Config",
    "ConfigError", "Constraint", "DataConfig", "LayerConfig", "NetworkConfig", "Range", "TrainingConfig",
    "ViewConfig", "format_layers", "parse_layers", "show_value", "url_value",
]

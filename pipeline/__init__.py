"""digit-recognition build backend: data, training, evaluation, export and prediction."""

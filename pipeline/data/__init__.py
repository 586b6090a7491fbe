"""Training data: the datasets, their splits, augmentation, and digits rendered and laid out as people write them."""

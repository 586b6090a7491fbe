"""`invoke bench`: the generated evaluation sets, the measurements in Python and in the page, and the results files.

The product never imports from here."""

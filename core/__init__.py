"""What every app of the portal builds on, and nothing specific to one: model and form fields, validators, the
active language, accent folding, choices and abstract model mixins shared across apps, and the filtering base
of every FilterSet. It has no models of its own and imports from no other app of the portal."""

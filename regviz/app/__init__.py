"""The application around the core: the `regviz` command, rendering, the study page, verification.

Dependencies point one way: app -> scenes -> core (regviz/*.py). Nothing in the core imports this
package, so `import regviz` never pulls in Manim, click or jinja2.
"""

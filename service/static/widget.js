/* placeholder; the widget is built next */

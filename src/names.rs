//! The spellings of the option enums (window, padding, preset, output, ...): one table per
//! enum, from which [`option_names!`] writes its `as_str`, `Display` and `FromStr`, so that
//! the name an option accepts and the name reported back are defined once.

/// Implements, for a fieldless enum, `as_str` (each variant's name), `Display` (that name)
/// and `FromStr` (the name or one of its aliases; anything else is
/// [`Error::InvalidConfig`](crate::Error::InvalidConfig) naming `$field`: "must be
/// `$expected`; got ...").
macro_rules! option_names {
    (
        $ty:ident, field $field:literal, expected $expected:literal,
        { $($variant:ident => $name:literal $(| $alias:literal)*),+ $(,)? }
    ) => {
        impl $ty {
            /// The name the options and the command line use (what `Display` writes and
            /// `FromStr` reads).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = crate::error::Error;

            fn from_str(s: &str) -> crate::error::Result<Self> {
                match s {
                    $($name $(| $alias)* => Ok($ty::$variant),)+
                    _ => Err(crate::error::Error::invalid(
                        $field,
                        format!("must be {}; got {s:?}", $expected),
                    )),
                }
            }
        }
    };
}

pub(crate) use option_names;

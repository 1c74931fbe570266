//! Minimal NumPy `.npy` (format 1.0) reading and writing of little-endian float arrays, so
//! Python users can `numpy.load` what the CLI writes and the tests can read librosa fixtures.
//! Specification: numpy's `numpy/lib/format.py` (NEP 1).

use crate::error::{Error, Result};

const MAGIC: &[u8] = b"\x93NUMPY";

/// Serialises a C-order `f32` array of the given `shape` as `.npy` bytes.
pub fn write_f32(shape: &[usize], data: &[f32]) -> Vec<u8> {
    debug_assert_eq!(shape.iter().product::<usize>(), data.len());
    let mut out = header_f32(shape);
    out.reserve_exact(4 * data.len());
    for x in data {
        out.extend_from_slice(&x.to_le_bytes());
    }
    out
}

/// The `.npy` header (format 1.0) of a C-order little-endian `f32` array of `shape`: what
/// precedes its `4 * product(shape)` bytes of data, for writers that stream the values.
pub fn header_f32(shape: &[usize]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape_text = if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    };
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {shape_text}, }}");
    // Pad so that magic (6) + version (2) + length (2) + header ends on a 64-byte boundary.
    let unpadded = MAGIC.len() + 4 + header.len() + 1;
    header.push_str(&" ".repeat((64 - unpadded % 64) % 64));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out
}

/// A float array read from `.npy`, widened to `f64`.
#[derive(Debug, Clone, PartialEq)]
pub struct NpyArray {
    /// Dimensions, C order.
    pub shape: Vec<usize>,
    /// Values, C order.
    pub data: Vec<f64>,
}

/// Parses `.npy` bytes holding a C-order little-endian `f4` or `f8` array.
///
/// # Errors
/// [`Error::Decode`] for anything else.
pub fn read(bytes: &[u8]) -> Result<NpyArray> {
    let bad = |why: &str| Error::Decode(format!("npy: {why}"));
    if bytes.len() < 10 || &bytes[..6] != MAGIC {
        return Err(bad("not an .npy file"));
    }
    let (header_len, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        _ => return Err(bad("unsupported version")),
    };
    let header = bytes
        .get(start..start + header_len)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| bad("truncated header"))?;
    if header.contains("'fortran_order': True") {
        return Err(bad("fortran order is not supported"));
    }
    let width = if header.contains("'<f8'") {
        8
    } else if header.contains("'<f4'") {
        4
    } else {
        return Err(bad("only little-endian f4/f8 arrays are supported"));
    };
    let shape_text = header
        .split("'shape':")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .map(|s| s.trim().trim_start_matches('('))
        .ok_or_else(|| bad("no shape"))?;
    let shape: Vec<usize> = shape_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| bad("bad shape")))
        .collect::<Result<_>>()?;
    let count: usize = shape.iter().product();
    let body = &bytes[start + header_len..];
    if body.len() < count * width {
        return Err(bad("truncated data"));
    }
    let data = body[..count * width]
        .chunks_exact(width)
        .map(|c| {
            if width == 8 {
                f64::from_le_bytes(c.try_into().unwrap_or([0; 8]))
            } else {
                f32::from_le_bytes(c.try_into().unwrap_or([0; 4])) as f64
            }
        })
        .collect();
    Ok(NpyArray { shape, data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let data = [1.0f32, -2.5, 3.25, 0.0, 1e-3, 7.0];
        let bytes = write_f32(&[2, 3], &data);
        assert_eq!((bytes.len() - 4 * 6) % 64, 0);
        let back = read(&bytes).unwrap();
        assert_eq!(back.shape, vec![2, 3]);
        assert_eq!(
            back.data,
            data.iter().map(|&x| x as f64).collect::<Vec<_>>()
        );
        assert!(read(b"hello").is_err());
    }
}
